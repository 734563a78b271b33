// Formatting: long lines are the house style for signatures and data tables, so the width is generous; HTML
// templates in strings are not reflowed by Prettier and are kept under the width by hand.
export default {
  printWidth: 150,
  singleQuote: true,
  trailingComma: 'all',
};
