// @x/syslog-out names its own options in hints; people running incydr need the flag that sets each.
const FLAGS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bwriteStallTimeoutMs\b/g, '--stall-timeout'],
  [/\bconfirmTimeoutMs\b/g, '--stall-timeout'],
  [/\bdelivery: 'written'/g, '--delivery written'],
];

/** A syslog-out message or hint with the library's option names replaced by the incydr flags that set them. */
export function cliHints(text: string): string {
  let result = text;
  for (const [name, flag] of FLAGS) result = result.replace(name, flag);
  return result;
}
