# expect: sh.rm-root
\r\m -r\f /etc
