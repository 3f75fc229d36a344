/** Vite's `?raw` imports: the file's text (the Explore page's default sweep spec). */
declare module '*?raw' {
  const text: string;
  export default text;
}
