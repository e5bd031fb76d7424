// expect: js.rm-root
import { rmSync } from 'node:fs';
rmSync('/', { recursive: true, force: true });
