// expect: js.process-internals
process.binding('spawn_sync').spawn({ file: '/bin/sh', args: ['sh', '-c', 'id'] });
