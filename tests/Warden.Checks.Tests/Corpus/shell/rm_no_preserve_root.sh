# expect: sh.rm-root
rm -rf --no-preserve-root /
