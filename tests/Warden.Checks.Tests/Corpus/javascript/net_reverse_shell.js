// expect: js.network
const net = require('net');
const s = net.connect(4444, '10.0.0.1');
