# expect: sh.rm-root
sh <<'EOF'
rm -rf /
EOF
