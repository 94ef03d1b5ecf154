// Original file: rampart/test/v1/echo.proto


export interface PingRequest {
}

export interface PingRequest__Output {
}
