# expect: sh.rm-root
X='rm -rf /'
$X
