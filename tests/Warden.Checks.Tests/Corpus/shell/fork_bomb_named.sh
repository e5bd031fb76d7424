# expect: sh.fork-bomb
bomb() {
  bomb | bomb &
}
bomb
