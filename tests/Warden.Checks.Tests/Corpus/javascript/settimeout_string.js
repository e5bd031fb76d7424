// expect: js.module-denied
setTimeout('require("child_process").execSync("id")', 0);
