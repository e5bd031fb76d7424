// expect: js.module-denied
import * as cp from 'node:child_process';
cp.spawnSync('id');
