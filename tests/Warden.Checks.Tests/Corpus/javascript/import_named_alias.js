// expect: js.module-denied
import { execSync as run } from 'child_process';
run('id');
