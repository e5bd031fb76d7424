# expect: sh.rm-root
rm -rf ~
