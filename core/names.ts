// Names emitted code introduces (helper locals such as `_wrap`, temporaries for self-references):
// one rule for both emitters, Babel's `scope.generateUid` sequence (`_name`, `_name2` ... `_name9`,
// `_name0`, `_name1`, `_name10` ...), so the same file gets the same names from either compiler.

/** The first free name for `base`; `isTaken` says what the file already uses. */
export function uniqueName(base: string, isTaken: (name: string) => boolean): string {
  const stem = base.replace(/[^\w$]/g, '').replace(/^_+/, '').replace(/\d+$/, '') || 'ref'
  for (let i = 0; ; i++) {
    const name = `_${stem}${i >= 11 ? i - 1 : i >= 9 ? i - 9 : i >= 1 ? i + 1 : ''}`
    if (!isTaken(name)) return name
  }
}
