// The command-line entry of the ending test app: `node cli.js <topic>`; without its argument it exits 1 before
// DBOS.launch(), the way a commander-style CLI does.
const topic = process.argv[2];
if (!topic) {
  console.error("error: missing required argument 'topic'");
  process.exit(1);
}
require('./app.js').main(topic).catch((e) => { console.error(e); process.exit(1); });
