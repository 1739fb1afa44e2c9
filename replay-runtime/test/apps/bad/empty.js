// A program that registers no workflow and launches.
const { DBOS } = require('@dbos-inc/dbos-sdk');
DBOS.setConfig({ name: 'empty' });
void DBOS.launch();
