# expect: sh.rm-root
$'\x72\x6d' -rf /
