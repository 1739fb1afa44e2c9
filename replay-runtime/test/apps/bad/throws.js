// A program that throws while it is being imported.
require('@dbos-inc/dbos-sdk');
throw new Error('config file missing: /etc/app.json');
