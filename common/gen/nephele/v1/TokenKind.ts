// Original file: proto/nephele/v1/types.proto

export const TokenKind = {
  TOKEN_KIND_UNSPECIFIED: 'TOKEN_KIND_UNSPECIFIED',
  TOKEN_KIND_JOIN: 'TOKEN_KIND_JOIN',
  TOKEN_KIND_API: 'TOKEN_KIND_API',
} as const;

export type TokenKind =
  | 'TOKEN_KIND_UNSPECIFIED'
  | 0
  | 'TOKEN_KIND_JOIN'
  | 1
  | 'TOKEN_KIND_API'
  | 2

export type TokenKind__Output = typeof TokenKind[keyof typeof TokenKind]
