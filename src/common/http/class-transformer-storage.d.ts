// class-transformer keeps `@Type` metadata in a storage its index does not re-export.
declare module 'class-transformer/cjs/storage' {
  export { defaultMetadataStorage } from 'class-transformer/types/storage';
}
