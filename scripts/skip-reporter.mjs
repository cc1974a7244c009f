// A node:test reporter that writes one JSON line per skipped test or suite (file, name, reason),
// so scripts/test.mjs can end its output with what was skipped and why.
export default async function* skipReporter(source) {
  for await (const event of source) {
    if ((event.type === 'test:pass' || event.type === 'test:fail') && event.data.skip !== undefined && event.data.skip !== false) {
      yield JSON.stringify({ file: event.data.file ?? '', name: event.data.name, reason: event.data.skip === true ? '' : String(event.data.skip) }) + '\n';
    }
  }
}
