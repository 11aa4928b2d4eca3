// What net.isIP says of IPv6 literals, without loading node:net: the light `check` entry resolves targets too.

/** Whether `text` is a dotted-quad IPv4 address (no leading zeros, as net.isIPv4). */
function isIpv4(text: string): boolean {
  const parts = text.split('.');
  return parts.length === 4 && parts.every((part) => /^(?:0|[1-9]\d{0,2})$/.test(part) && Number(part) <= 255);
}

/** Whether `text` is an IPv6 address, with an optional zone after `%` and an optional IPv4 tail, as net.isIPv6. */
export function isIpv6(text: string): boolean {
  const [address = '', zone, ...more] = text.split('%');
  if (more.length > 0 || (zone !== undefined && !/^[0-9A-Za-z.:-]+$/.test(zone))) return false;
  let groups = address;
  // An IPv4 tail stands for the last two groups.
  let tailGroups = 0;
  const dotted = /^(.*:)([^:]*\.[^:]*)$/.exec(address);
  if (dotted !== null) {
    const [, head = '', tail = ''] = dotted;
    if (!isIpv4(tail)) return false;
    groups = head.endsWith('::') ? head : head.slice(0, -1);
    tailGroups = 2;
  }
  const halves = groups.split('::');
  if (halves.length > 2) return false;
  const parts = halves.flatMap((half) => (half === '' ? [] : half.split(':')));
  if (!parts.every((part) => /^[0-9A-Fa-f]{1,4}$/.test(part))) return false;
  const count = parts.length + tailGroups;
  return halves.length === 2 ? count <= 7 : count === 8;
}
