# expect: sh.rm-root
rm${IFS}-rf${IFS}/
