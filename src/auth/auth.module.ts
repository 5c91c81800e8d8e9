import { Global, Module } from '@nestjs/common';
import { JwtStrategy } from './jwt.strategy';
import { VerifiedTokens } from './verified-tokens';

@Global()
@Module({
  providers: [JwtStrategy, VerifiedTokens],
  exports: [VerifiedTokens],
})
export class AuthModule {}
