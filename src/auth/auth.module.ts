import { Global, Module } from '@nestjs/common';
import { JwtAuthGuard } from './jwt-auth.guard';
import { JwtStrategy } from './jwt.strategy';
import { VerifiedTokens } from './verified-tokens';

@Global()
@Module({
  providers: [JwtStrategy, VerifiedTokens, JwtAuthGuard],
  exports: [JwtAuthGuard],
})
export class AuthModule {}
