# expect: js.module-denied
node -e "require('child_process').execSync('id')"
