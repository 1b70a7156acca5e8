declare module 'mathjs/lib/browser/math.js' {
  const bundle: unknown;
  export default bundle;
}
