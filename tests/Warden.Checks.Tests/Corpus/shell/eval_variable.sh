# expect: sh.eval-dynamic
cmd="rm -rf"
eval "$cmd $1"
