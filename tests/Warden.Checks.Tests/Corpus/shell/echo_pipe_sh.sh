# expect: sh.rm-root
echo 'rm -rf /' | sh
