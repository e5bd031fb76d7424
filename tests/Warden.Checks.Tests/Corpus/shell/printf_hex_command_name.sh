# expect: sh.rm-root
$(printf '\x72\x6d') -rf /
