# expect: sh.rm-root
$(echo mr | rev) -rf /
