# expect: sh.rm-root
c=rm
$c -rf /
