# expect: sh.rm-root
rm -fr /
