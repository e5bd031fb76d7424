// expect: js.eval-dynamic
const payload = process.argv[2];
(0, eval)(payload);
