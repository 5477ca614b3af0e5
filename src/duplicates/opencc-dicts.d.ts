/** opencc-js's dictionaries: `from to|from to…`, one module each (opencc-js ships no types for them). */
declare module 'opencc-js/dict/*' {
  const dict: string;
  export default dict;
}
