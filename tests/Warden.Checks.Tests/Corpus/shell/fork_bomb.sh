# expect: sh.fork-bomb
:(){ :|:& };:
