/** What the offline plan stands in for a `secure:` value it cannot decrypt; still marked secret. */
export const SECRET_PLACEHOLDER_PREFIX = "offline-placeholder-for-";
