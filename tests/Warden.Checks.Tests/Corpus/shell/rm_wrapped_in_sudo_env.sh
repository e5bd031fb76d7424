# expect: sh.rm-root
sudo -u root env X=1 /bin/rm -rf /*
