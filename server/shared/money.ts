// Money is held in whole pence and shown in pounds.
const poundsFormat = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP' });

/** "£1,234.50" */
export const formatPounds = (pence: number) => poundsFormat.format(pence / 100);

/** "1234.50", for a form field or a spreadsheet cell. */
export const poundsValue = (pence: number) => `${Math.floor(pence / 100)}.${String(pence % 100).padStart(2, '0')}`;
