# expect: sh.chmod-root
chmod -R 777 /
