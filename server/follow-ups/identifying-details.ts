// Free text in an impact survey is about real children and families. Before an answer is saved
// we look for what could identify one: a first name, a date of birth, an address or postcode, a
// phone, NHS or email. It is a warning, not a block: the person checks and either edits the
// answer or confirms it holds nothing identifying. A false alarm costs one tick; a missed name
// is why the form also tells everyone not to give names.

export interface Finding {
  /** What it looks like, in words for the warning: "a name", "a date of birth". */
  kind: string;
  /** The words that caught the eye, quoted back so the person can find them. */
  text: string;
}

/**
 * Common first names of children and adults in England. Names that are also everyday words
 * (Grace, Hope, Will, May, Mark, Rose, Faith, Summer, Bill, Frank, Sky) are left out: a
 * capitalised one after "called" or "named" is still caught below.
 */
const FIRST_NAMES = new Set(
  `Aaliyah Aaron Abdul Abigail Ada Adam Adrian Ahmed Aiden Aisha Alan Albert Alex Alexander Alexandra Alfie Alice
  Alicia Alisha Amber Amelia Amir Amy Andrew Angela Ann Anna Annabelle Anne Archie Arlo Arthur Ashley Aston Ava
  Bailey Barbara Beatrice Bella Ben Benjamin Bethany Billy Bobby Bonnie Brandon Brian Brooke Caleb Callum Cameron
  Carl Caroline Carter Casey Charles Charlie Charlotte Chloe Christopher Claire Cody Connor Courtney Daisy Daniel
  Daniella Darcy David Dean Declan Demi Dexter Dylan Edward Eleanor Elijah Elizabeth Ella Ellie Eliza Elsie Emily Emma
  Ethan Eva Evelyn Evie Ezra Fatima Finley Finn Florence Freddie Freya Gabriel Gary George Georgia Gemma Hannah Harley
  Harper Harriet Harrison Harry Harvey Hassan Hayden Heidi Henry Holly Hugo Ibrahim Imogen Isaac Isabel Isabella
  Isabelle Isla Ivy Jack Jackson Jacob Jade Jake James Jamie Jasmine Jason Jayden Jenna Jennifer Jessica Joanne Joe
  Joel John Jonathan Joseph Joshua Jude Julia Kai Karen Katie Kayden Kayla Keira Kevin Kian Kieran Kyle Lacey Laura
  Lauren Layla Leah Leo Leon Lewis Liam Lily Lola Louie Louis Louise Lucas Lucy Luke Luna Lydia Maddison Madison Maisie
  Maria Marcus Martha Martin Maryam Mason Matilda Matthew Max Maya Megan Mia Michael Millie Mohammed Mohammad Muhammad
  Mollie Molly Nathan Nevaeh Nicola Noah Oakley Olivia Oliver Ollie Oscar Owen Paige Paul Peter Phoebe Poppy Rachel
  Reggie Rebecca Reuben Riley Robert Robyn Ronnie Rory Rosie Ruby Ryan Sadie Samuel Sam Sara Sarah Scarlett Sebastian
  Shannon Sienna Sofia Sophia Sophie Stanley Stephen Steven Tanya Taylor Teddy Theo Theodore Thomas Toby Tommy Tyler
  Violet Willow William Yusuf Zac Zachary Zara Zoe`.split(/\s+/),
);

const CAPITALISED_WORD = /\b[A-Z][a-z]{1,20}\b/g;
const CALLED = /\b(?:called|named|name is|known as)\s+([A-Z][a-z]{1,20})\b/g;

const PATTERNS: { kind: string; pattern: RegExp }[] = [
  { kind: 'a date of birth', pattern: /\b(?:date of birth|d\.?o\.?b\b|born\b)[^.,;]{0,30}/gi },
  { kind: 'a date', pattern: /\b\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})\b/g },
  { kind: 'a postcode', pattern: /\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b/gi },
  { kind: 'an address', pattern: /\b\d{1,4}[a-z]?\s+(?:[A-Z][a-z]+\s+){1,3}(?:Road|Rd|Street|St|Avenue|Ave|Lane|Close|Drive|Way|Crescent|Court|Place|Grove|Gardens|Terrace|View)\b/g },
  { kind: 'an NHS number', pattern: /\b\d{3}[ -]?\d{3}[ -]?\d{4}\b/g },
  { kind: 'a phone number', pattern: /(?:\+44\s?|\b0)\d{2,4}[\s-]?\d{3,4}[\s-]?\d{3,4}\b/g },
  { kind: 'an email address', pattern: /\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b/g },
];

/** What in `text` might identify someone, each thing once, in the order found. */
export function identifyingDetails(text: string): Finding[] {
  const findings: Finding[] = [];
  const add = (kind: string, found: string) => {
    const trimmed = found.trim();
    // Said once: "born 3/4/2015" is a date of birth, not also a date.
    if (!findings.some((f) => f.text.includes(trimmed))) findings.push({ kind, text: trimmed });
  };
  for (const word of text.match(CAPITALISED_WORD) ?? []) if (FIRST_NAMES.has(word)) add('a name', word);
  for (const match of text.matchAll(CALLED)) add('a name', match[1]);
  for (const { kind, pattern } of PATTERNS) {
    for (const match of text.matchAll(pattern)) {
      // An NHS number's ten digits are also a phone number's: say it once, as the first.
      if (!findings.some((f) => f.text.replace(/\D/g, '') === match[0].replace(/\D/g, '') && /\d/.test(f.text))) add(kind, match[0]);
    }
  }
  return findings;
}

/** "a name (Jayden) and a postcode (S60 1AE)": what the warning says it found. */
export function describeFindings(findings: Finding[]): string {
  const parts = findings.map((f) => `${f.kind} (${f.text})`);
  return parts.length < 2 ? (parts[0] ?? '') : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}
