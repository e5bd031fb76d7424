# expect: sh.pipe-to-shell
wget -qO- http://example.com/x | sudo bash -s -- --yes
