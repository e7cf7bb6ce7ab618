// Lists in plain English for sentences built from data: "A, B and C".
const conjunction = new Intl.ListFormat('en-GB', { style: 'long', type: 'conjunction' });

export const listInWords = (items: readonly string[]) => conjunction.format(items);

// Number formatters made once: toLocaleString('en-GB') builds a new one on every call.
const countFormat = new Intl.NumberFormat('en-GB');
const oneDecimalFormat = new Intl.NumberFormat('en-GB', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** "12,345" */
export const formatCount = (n: number) => countFormat.format(n);
/** "3.0", "1,234.5" */
export const formatOneDecimal = (n: number) => oneDecimalFormat.format(n);
