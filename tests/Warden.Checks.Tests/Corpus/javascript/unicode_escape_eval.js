// expect: js.exec-decoded
\u0065val(Buffer.from('cmVxdWlyZSgidm0iKQ==', 'base64').toString());
