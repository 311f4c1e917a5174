/**
 * Whether a sealed YAML text holds a comment sealed as a list item (`- ENC[…,type:comment]`, as
 * sops seals a comment inside a list): the one-pass opener hands those files to the tree path,
 * which opens the item back into a comment.
 */
export const hasSealedListComment = (text: string): boolean =>
  /- ENC\[AES256_GCM,[^\]\n]*,type:comment\]/.test(text)
