/**
 * The credentials the provisioner writes at the top of `/configs`: the runtime reads them as
 * root before it drops privileges; nobody else may read them, and no file route lists, serves
 * or replaces them.
 */
export const CONFIG_CREDENTIAL_FILES: ReadonlySet<string> = new Set([
  '.auth_token',
  '.platform_inbound_secret',
]);
