// Over 300 lines because it is data: the vocabularies below, with two sentence builders and no other logic.
// Vocabularies for realistic data. Ids are fixed literals so that filters by rule, indicator or watchlist id keep
// working across seeds and emulator restarts.

/** Given names for generated actors. */
export const FIRST_NAMES: readonly string[] = [
  'Aaliyah',
  'Adam',
  'Aisha',
  'Alex',
  'Alice',
  'Amara',
  'Andrea',
  'Andrew',
  'Anna',
  'Ari',
  'Arjun',
  'Ben',
  'Bianca',
  'Carla',
  'Carlos',
  'Chen',
  'Chloe',
  'Daniel',
  'Dana',
  'David',
  'Diego',
  'Elena',
  'Eli',
  'Emma',
  'Ethan',
  'Fatima',
  'Felix',
  'Grace',
  'Hana',
  'Hannah',
  'Hiro',
  'Ian',
  'Isabel',
  'Ivan',
  'Jack',
  'James',
  'Jana',
  'Javier',
  'Jin',
  'Jonas',
  'Julia',
  'Kai',
  'Kate',
  'Kenji',
  'Laila',
  'Lars',
  'Laura',
  'Leo',
  'Lina',
  'Lucas',
  'Maya',
  'Mateo',
  'Mia',
  'Michael',
  'Mina',
  'Mohammed',
  'Nadia',
  'Nathan',
  'Nina',
  'Noah',
  'Olivia',
  'Omar',
  'Oscar',
  'Paula',
  'Priya',
  'Rafael',
  'Rahul',
  'Rosa',
  'Ryan',
  'Sam',
  'Sara',
  'Sean',
  'Sofia',
  'Sven',
  'Tara',
  'Theo',
  'Tom',
  'Uma',
  'Valentina',
  'Victor',
  'Wei',
  'Will',
  'Xavier',
  'Yara',
  'Yusuf',
  'Zara',
  'Zoe',
  'Amir',
  'Beatriz',
  'Camille',
  'Dmitri',
  'Erik',
  'Farah',
  'Gabriel',
  'Helena',
  'Ines',
  'Jamal',
  'Keiko',
  'Luca',
  'Marta',
];

/** Family names for generated actors. */
export const LAST_NAMES: readonly string[] = [
  'Abbott',
  'Adams',
  'Ahmed',
  'Alvarez',
  'Andersen',
  'Bailey',
  'Baker',
  'Banerjee',
  'Becker',
  'Bennett',
  'Brooks',
  'Brown',
  'Campbell',
  'Carter',
  'Castro',
  'Chen',
  'Clark',
  'Cohen',
  'Cruz',
  'Das',
  'Davis',
  'Dubois',
  'Edwards',
  'Evans',
  'Fischer',
  'Flores',
  'Foster',
  'Garcia',
  'Gonzalez',
  'Gray',
  'Green',
  'Gupta',
  'Hall',
  'Hansen',
  'Harris',
  'Hayes',
  'Hernandez',
  'Hill',
  'Hughes',
  'Ito',
  'Jackson',
  'Jensen',
  'Johnson',
  'Jones',
  'Kaur',
  'Khan',
  'Kim',
  'Klein',
  'Kowalski',
  'Kumar',
  'Larsen',
  'Lee',
  'Lewis',
  'Li',
  'Lopez',
  'Martin',
  'Martinez',
  'Meyer',
  'Miller',
  'Moore',
  'Morales',
  'Murphy',
  'Nakamura',
  'Nguyen',
  'Nielsen',
  'Novak',
  'Okafor',
  'Olsen',
  'Ortiz',
  'Patel',
  'Perez',
  'Peters',
  'Petrov',
  'Price',
  'Ramirez',
  'Reed',
  'Reyes',
  'Rivera',
  'Roberts',
  'Rossi',
  'Russo',
  'Sanchez',
  'Santos',
  'Schmidt',
  'Scott',
  'Silva',
  'Singh',
  'Smith',
  'Sato',
  'Tanaka',
  'Taylor',
  'Thomas',
  'Torres',
  'Turner',
  'Walker',
  'Wang',
  'Weber',
  'White',
  'Wilson',
  'Zhang',
];

/** Departments actors belong to. */
export const DEPARTMENTS: readonly string[] = [
  'Engineering',
  'Sales',
  'Marketing',
  'Finance',
  'Human Resources',
  'Legal',
  'Product',
  'Customer Success',
  'IT',
  'Operations',
  'Research',
  'Security',
];

/** Domain of every generated corporate email address. */
export const EMAIL_DOMAIN = 'example.com';

/** A watchlist actors can be on (the `watchlist_id` filter). */
interface WatchlistEntry {
  id: string;
  name: string;
}

/** Watchlists of the emulated tenant. */
export const WATCHLISTS: readonly WatchlistEntry[] = [
  { id: 'wl-departing-employees', name: 'Departing employees' },
  { id: 'wl-contractors', name: 'Contractors' },
  { id: 'wl-high-impact-employees', name: 'High-impact employees' },
  { id: 'wl-flight-risk', name: 'Flight risk' },
  { id: 'wl-elevated-access', name: 'Elevated access' },
  { id: 'wl-new-hires', name: 'New hires' },
  { id: 'wl-performance-concerns', name: 'Performance concerns' },
  { id: 'wl-poor-security-practices', name: 'Poor security practices' },
];

/** How data leaves the organisation in a session; ties vectors, indicators and rules together. */
export type VectorKind =
  'cloud-upload' | 'removable-media' | 'personal-email' | 'browser-upload' | 'airdrop' | 'public-link';

/** A risk indicator of the tenant with the vector it stands for, if any. */
export interface IndicatorEntry {
  id: string;
  name: string;
  weight: number;
  kind: VectorKind | null;
}

/** Risk indicators with the weights the scores are built from. */
export const RISK_INDICATORS: readonly IndicatorEntry[] = [
  { id: '32949aef-823c-46d6-9c29-30a09e47154d', name: 'Cloud storage upload', weight: 9, kind: 'cloud-upload' },
  { id: '0b6e067e-f797-4b90-92c2-cfa0d2c04f49', name: 'Removable media', weight: 8, kind: 'removable-media' },
  { id: '6da0145a-5b8d-4a58-b759-22e282266711', name: 'Personal email', weight: 7, kind: 'personal-email' },
  { id: '51e1ef4b-6d58-4187-93f8-9411b77a2250', name: 'Browser upload', weight: 6, kind: 'browser-upload' },
  { id: '3207ebab-6776-4b31-bd05-9d7a3f3980d8', name: 'AirDrop', weight: 6, kind: 'airdrop' },
  { id: 'e58988ec-9737-4a85-8bc2-f202a07eb224', name: 'Public link share', weight: 7, kind: 'public-link' },
  { id: '42bc32b7-e9d7-44db-a63a-c46eedf1ecdb', name: 'Source code', weight: 6, kind: null },
  { id: '60f95011-cf14-4bb2-a780-f998c6669386', name: 'Zip archive', weight: 3, kind: null },
  { id: '6bab5e74-c0b2-4045-a4ee-27bd7ea34c85', name: 'Off-hours activity', weight: 2, kind: null },
  { id: 'ad1ad89a-f401-4d01-b291-cfe7b0c4e99c', name: 'Password-protected archive', weight: 5, kind: null },
  { id: 'df0f228c-9338-4c98-b2ce-f356b6172d4e', name: 'File extension mismatch', weight: 5, kind: null },
  { id: '7b1f6f69-e807-41d9-b713-08cbc7efe620', name: 'Sensitive document', weight: 6, kind: null },
  { id: '11b99d38-f959-43d2-ac49-09b0ad0d387d', name: 'Large file volume', weight: 4, kind: null },
  { id: '1a6b35b9-23ca-4995-94fc-4c1a8b43ec0c', name: 'Remote activity', weight: 2, kind: null },
  { id: 'd431c1b8-ef9d-4d9f-9c76-321011a0e902', name: 'Departing employee', weight: 5, kind: null },
  { id: '87b5b023-e487-45dc-8be8-c62874061dd8', name: 'Generative AI upload', weight: 6, kind: null },
];

/** A detection rule; `kind` is the vector it watches (null: any). */
export interface RuleEntry {
  ruleId: string;
  ruleName: string;
  kind: VectorKind | null;
}

/** A rule row: id, name and the vector it watches. */
function rule(ruleId: string, ruleName: string, kind: VectorKind | null): RuleEntry {
  return { ruleId, ruleName, kind };
}

/** Detection rules whose alerts sessions carry. */
export const RULES: readonly RuleEntry[] = [
  rule('e55fc028-3108-4a98-b10f-70f098748cfa', 'Departing employee moves files to cloud storage', 'cloud-upload'),
  rule('e301a4d2-b939-4501-a6d7-c3081c02bcc0', 'Departing employee copies files to removable media', 'removable-media'),
  rule('f6c1c6f1-01a8-4740-8bd4-9f0bbf87e572', 'Files sent to a personal email account', 'personal-email'),
  rule('2ded14fe-a205-4de0-914a-bf7f9f03a315', 'Source code uploaded to a personal repository', 'browser-upload'),
  rule('84a4d0ac-6d49-4e64-8399-9326b3c54220', 'Sensitive documents uploaded to a file-sharing site', 'browser-upload'),
  rule('b47d939c-d04a-412a-8ad6-5e8ab15a632d', 'Contractor shares files through a public link', 'public-link'),
  rule('0b5dd644-646b-4130-8b27-c5ec904fdf07', 'Large volume of files copied to USB', 'removable-media'),
  rule('a01576c8-6543-4de9-9787-7fa26de1f80f', 'Company files transferred over AirDrop', 'airdrop'),
  rule('76c3f2bb-4e76-41e7-8d15-4932e9bbe265', 'Flight risk user uploads archives to personal cloud', 'cloud-upload'),
  rule('b15666d8-3766-4571-8347-0533bc9d42aa', 'High-impact employee exfiltration', null),
  rule('833a7a7e-da9d-48ea-a021-e2facb17fa8e', 'Off-hours exfiltration of sensitive files', null),
  rule('c6a32aa6-a99a-4432-865d-6c79e154e0dd', 'Possible account takeover: unusual download and share', null),
];

/** Where files went: everything a session summary and a file event say about one destination. */
export interface VectorEntry {
  kind: VectorKind;
  /** Destination name as file events show it. */
  name: string;
  /** Phrase for the exfiltration summary. */
  label: string;
  category: string;
  domain: string | null;
  action: string;
  observer: string;
  detector: string | null;
  vector: string;
  executable: string;
  browser: string | null;
  accountType: string | null;
  removable: { vendor: string; mediaName: string; busType: string; capacity: number } | null;
}

/** Exfiltration destinations grouped by vector. */
export const VECTORS: readonly VectorEntry[] = [
  {
    kind: 'cloud-upload',
    name: 'Dropbox',
    label: 'personal Dropbox',
    category: 'Cloud Storage',
    domain: 'dropbox.com',
    action: 'file-uploaded',
    observer: 'Endpoint',
    detector: null,
    vector: 'UPLOADED',
    executable: 'chrome.exe',
    browser: 'Chrome',
    accountType: 'PERSONAL',
    removable: null,
  },
  {
    kind: 'cloud-upload',
    name: 'Google Drive',
    label: 'a personal Google Drive',
    category: 'Cloud Storage',
    domain: 'drive.google.com',
    action: 'file-uploaded',
    observer: 'Endpoint',
    detector: null,
    vector: 'UPLOADED',
    executable: 'chrome.exe',
    browser: 'Chrome',
    accountType: 'PERSONAL',
    removable: null,
  },
  {
    kind: 'cloud-upload',
    name: 'Box',
    label: 'a personal Box account',
    category: 'Cloud Storage',
    domain: 'box.com',
    action: 'file-uploaded',
    observer: 'Endpoint',
    detector: null,
    vector: 'UPLOADED',
    executable: 'msedge.exe',
    browser: 'Edge',
    accountType: 'PERSONAL',
    removable: null,
  },
  {
    kind: 'cloud-upload',
    name: 'OneDrive',
    label: 'a personal OneDrive',
    category: 'Cloud Storage',
    domain: 'onedrive.live.com',
    action: 'file-uploaded',
    observer: 'Endpoint',
    detector: null,
    vector: 'UPLOADED',
    executable: 'OneDrive.exe',
    browser: null,
    accountType: 'PERSONAL',
    removable: null,
  },
  {
    kind: 'removable-media',
    name: 'SanDisk Cruzer Blade',
    label: 'a SanDisk USB drive',
    category: 'Removable Media',
    domain: null,
    action: 'removable-media-created',
    observer: 'Endpoint',
    detector: null,
    vector: 'REMOVABLE_MEDIA',
    executable: 'explorer.exe',
    browser: null,
    accountType: null,
    removable: { vendor: 'SanDisk', mediaName: 'Cruzer Blade', busType: 'USB', capacity: 32_010_928_128 },
  },
  {
    kind: 'removable-media',
    name: 'Kingston DataTraveler',
    label: 'a Kingston USB drive',
    category: 'Removable Media',
    domain: null,
    action: 'removable-media-created',
    observer: 'Endpoint',
    detector: null,
    vector: 'REMOVABLE_MEDIA',
    executable: 'Finder',
    browser: null,
    accountType: null,
    removable: { vendor: 'Kingston', mediaName: 'DataTraveler 3.0', busType: 'USB', capacity: 61_865_984_000 },
  },
  {
    kind: 'personal-email',
    name: 'Gmail',
    label: 'a personal Gmail address',
    category: 'Email',
    domain: 'mail.google.com',
    action: 'email-sent',
    observer: 'Endpoint',
    detector: null,
    vector: 'EMAIL',
    executable: 'chrome.exe',
    browser: 'Chrome',
    accountType: 'PERSONAL',
    removable: null,
  },
  {
    kind: 'personal-email',
    name: 'Outlook.com',
    label: 'a personal Outlook.com address',
    category: 'Email',
    domain: 'outlook.live.com',
    action: 'email-sent',
    observer: 'Endpoint',
    detector: null,
    vector: 'EMAIL',
    executable: 'firefox.exe',
    browser: 'Firefox',
    accountType: 'PERSONAL',
    removable: null,
  },
  {
    kind: 'browser-upload',
    name: 'WeTransfer',
    label: 'wetransfer.com',
    category: 'File Sharing',
    domain: 'wetransfer.com',
    action: 'file-uploaded',
    observer: 'Endpoint',
    detector: null,
    vector: 'UPLOADED',
    executable: 'chrome.exe',
    browser: 'Chrome',
    accountType: null,
    removable: null,
  },
  {
    kind: 'browser-upload',
    name: 'GitHub',
    label: 'a personal GitHub repository',
    category: 'Source Code Repository',
    domain: 'github.com',
    action: 'file-uploaded',
    observer: 'Endpoint',
    detector: null,
    vector: 'UPLOADED',
    executable: 'git.exe',
    browser: null,
    accountType: 'PERSONAL',
    removable: null,
  },
  {
    kind: 'browser-upload',
    name: 'ChatGPT',
    label: 'chatgpt.com',
    category: 'Generative AI',
    domain: 'chatgpt.com',
    action: 'file-uploaded',
    observer: 'Endpoint',
    detector: null,
    vector: 'UPLOADED',
    executable: 'chrome.exe',
    browser: 'Chrome',
    accountType: null,
    removable: null,
  },
  {
    kind: 'airdrop',
    name: 'AirDrop',
    label: 'a nearby device over AirDrop',
    category: 'AirDrop',
    domain: null,
    action: 'application-read',
    observer: 'Endpoint',
    detector: null,
    vector: 'AIRDROP',
    executable: 'sharingd',
    browser: null,
    accountType: null,
    removable: null,
  },
  {
    kind: 'public-link',
    name: 'Google Drive',
    label: 'a public Google Drive link',
    category: 'Cloud Storage',
    domain: 'drive.google.com',
    action: 'file-shared',
    observer: 'GoogleDrive',
    detector: 'Google Drive (example.com)',
    vector: 'SHARED',
    executable: 'chrome.exe',
    browser: 'Chrome',
    accountType: 'CORPORATE',
    removable: null,
  },
  {
    kind: 'public-link',
    name: 'OneDrive',
    label: 'a public OneDrive link',
    category: 'Cloud Storage',
    domain: 'sharepoint.com',
    action: 'file-shared',
    observer: 'OneDrive',
    detector: 'OneDrive (example.com)',
    vector: 'SHARED',
    executable: 'msedge.exe',
    browser: 'Edge',
    accountType: 'CORPORATE',
    removable: null,
  },
];

/** A kind of file: its extension, MIME type, Incydr category, typical names and size range. */
interface FileKind {
  extension: string;
  mimeType: string;
  category: string;
  names: readonly string[];
  minBytes: number;
  maxBytes: number;
}

/** File kinds that file events and summaries draw on. */
export const FILE_KINDS: readonly FileKind[] = [
  {
    extension: 'xlsx',
    mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    category: 'Spreadsheet',
    names: ['customer-list', 'pipeline-export', 'salary-bands-2024', 'Q3-forecast', 'pricing-model', 'headcount-plan'],
    minBytes: 12_000,
    maxBytes: 8_000_000,
  },
  {
    extension: 'csv',
    mimeType: 'text/csv',
    category: 'Spreadsheet',
    names: ['crm-contacts', 'accounts-receivable', 'user-export', 'leads-emea'],
    minBytes: 2_000,
    maxBytes: 40_000_000,
  },
  {
    extension: 'docx',
    mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    category: 'Document',
    names: ['product-roadmap', 'board-memo', 'offer-letter', 'design-spec', 'acquisition-notes'],
    minBytes: 15_000,
    maxBytes: 5_000_000,
  },
  {
    extension: 'pdf',
    mimeType: 'application/pdf',
    category: 'Pdf',
    names: ['contract-signed', 'patent-draft', 'financial-statements', 'customer-contract', 'security-audit'],
    minBytes: 40_000,
    maxBytes: 20_000_000,
  },
  {
    extension: 'pptx',
    mimeType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    category: 'Presentation',
    names: ['sales-kickoff', 'investor-update', 'strategy-2025', 'competitive-analysis'],
    minBytes: 200_000,
    maxBytes: 60_000_000,
  },
  {
    extension: 'zip',
    mimeType: 'application/zip',
    category: 'Archive',
    names: ['payments-service-main', 'project-files', 'backup', 'design-assets', 'archive'],
    minBytes: 100_000,
    maxBytes: 900_000_000,
  },
  {
    extension: '7z',
    mimeType: 'application/x-7z-compressed',
    category: 'Archive',
    names: ['personal', 'docs-backup', 'export'],
    minBytes: 100_000,
    maxBytes: 500_000_000,
  },
  {
    extension: 'py',
    mimeType: 'text/x-python',
    category: 'SourceCode',
    names: ['pricing_engine', 'train_model', 'billing', 'auth_service'],
    minBytes: 800,
    maxBytes: 200_000,
  },
  {
    extension: 'ts',
    mimeType: 'text/x-typescript',
    category: 'SourceCode',
    names: ['checkout', 'api-client', 'feature-flags', 'ledger'],
    minBytes: 800,
    maxBytes: 150_000,
  },
  {
    extension: 'java',
    mimeType: 'text/x-java',
    category: 'SourceCode',
    names: ['RiskScorer', 'PaymentGateway', 'LicenseCheck'],
    minBytes: 1_000,
    maxBytes: 120_000,
  },
  {
    extension: 'sql',
    mimeType: 'application/sql',
    category: 'SourceCode',
    names: ['customers-dump', 'schema', 'migration'],
    minBytes: 3_000,
    maxBytes: 300_000_000,
  },
  {
    extension: 'png',
    mimeType: 'image/png',
    category: 'Image',
    names: ['whiteboard', 'architecture-diagram', 'screenshot'],
    minBytes: 50_000,
    maxBytes: 6_000_000,
  },
  {
    extension: 'mp4',
    mimeType: 'video/mp4',
    category: 'Video',
    names: ['all-hands-recording', 'demo', 'training'],
    minBytes: 20_000_000,
    maxBytes: 2_000_000_000,
  },
  {
    extension: 'key',
    mimeType: 'application/x-pem-file',
    category: 'Other',
    names: ['id_rsa', 'deploy', 'prod-signing'],
    minBytes: 400,
    maxBytes: 4_000,
  },
];

/** Operating systems of source devices. */
export const OPERATING_SYSTEMS: readonly string[] = [
  'Windows 11',
  'Windows 10',
  'macOS 14.5',
  'macOS 15.1',
  'Ubuntu 22.04',
];

/** Incydr user ids of the security analysts who triage sessions and write notes. */
export const ANALYST_USER_IDS: readonly string[] = [
  '1029384756102938475',
  '1047562039485761203',
  '1083920475610293847',
  '1092837465019283746',
  '1110293847561029384',
  '1128374650192837465',
];

/** What analysts write in session notes. */
export const NOTE_TEXTS: readonly string[] = [
  'Spoke with the manager: upload not expected. Escalating.',
  'Opened case for HR review.',
  'User confirmed the files are personal photos. Closing as benign.',
  'Files match the project the user is assigned to; likely a sanctioned transfer.',
  'Departure date is next Friday. Legal hold requested.',
  'Reached out to the user over Slack, waiting for an answer.',
  'Same pattern as last quarter. Linking to the earlier case.',
  'USB device is not on the approved list. Asked IT to block it.',
  'Source code repository is personal; asked the user to delete the copy.',
  'Activity lines up with a sign-in from an unusual location. Password reset forced.',
  'False positive: the domain is a partner tenant.',
  'Contractor contract ends this month. Flagged to the vendor manager.',
  'Customer list included. Privacy team informed.',
  'Manager approved the transfer in writing (ticket attached).',
  'Reviewed the file contents: no confidential data found.',
  'Escalated to the insider risk committee.',
  'User says the archive is a backup of their own notes; verifying.',
  'Blocked further uploads with a preventative control.',
];

/** Reasons users type when a preventative control asks them to justify an upload. */
export const JUSTIFICATIONS: ReadonlyArray<{ reason: string; text: string }> = [
  { reason: 'Business need', text: 'Sending the deck to a customer who cannot open our share links.' },
  { reason: 'Personal file', text: 'These are my own tax documents.' },
  { reason: 'Other', text: 'Working from home this week.' },
  { reason: 'Business need', text: 'Partner asked for the latest build.' },
];

/** The first sentence of a context summary: who the actor is. */
export function contextLead(firstName: string, department: string, watchlistName: string | null): string {
  return watchlistName === null
    ? firstName + ' works in ' + department
    : firstName + ' (' + department + ') is on the ' + watchlistName + ' watchlist';
}

/** Endings of a context summary, picked per session. */
export const CONTEXT_ENDINGS: readonly string[] = [
  '; activity happened outside usual working hours.',
  '; activity happened during usual working hours.',
  '; activity followed a large download from a corporate repository.',
  '; activity came from a device off the corporate network.',
  '; this is the first exfiltration activity seen for this user.',
  '; similar activity was seen in the previous weeks.',
];

/** The ending of a context summary for an account-takeover session. */
export const TAKEOVER_ENDING = '; activity followed a sign-in from an unfamiliar location and device.';

// What each vector did with the files, as the exfiltration summary words it.
const EXFILTRATION_VERBS: Readonly<Record<VectorKind, string>> = {
  'cloud-upload': 'uploaded to',
  'removable-media': 'copied to',
  'personal-email': 'sent as attachments to',
  'browser-upload': 'uploaded through the browser to',
  airdrop: 'sent to',
  'public-link': 'shared through',
};

/** The exfiltration summary: `22 files (48.2 MB) uploaded to a personal Dropbox.` */
export function exfiltrationSentence(kind: VectorKind, files: number, megabytes: string, label: string): string {
  const count = files === 1 ? '1 file (' : files + ' files (';
  return count + megabytes + ' MB) ' + EXFILTRATION_VERBS[kind] + ' ' + label + '.';
}
