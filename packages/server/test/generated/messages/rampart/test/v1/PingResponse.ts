// Original file: rampart/test/v1/echo.proto


export interface PingResponse {
  'ok'?: (boolean);
}

export interface PingResponse__Output {
  'ok': (boolean);
}
