declare module 'class-transformer/cjs/storage.js' {
  const storage: unknown;
  export default storage;
}
