import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OrgUnitModule } from '@zs/org';
import { UserEntity } from './users/user.entity';
import { ApiClientEntity } from './api-clients/api-client.entity';
import { UserRepository } from './users/user.repository';
import { UserService } from './users/user.service';
import { ApiClientRepository } from './api-clients/api-client.repository';
import { ApiClientService } from './api-clients/api-client.service';
import { PasswordHasher } from './auth/password-hasher';
import { JwtService } from './auth/jwt.service';
import { LoginThrottle } from './auth/login-throttle';
import { ApiRateLimiter } from './auth/api-rate-limiter';
import { AuthService } from './auth/auth.service';
import { ApiClientUnitResolver, AuthResolver, UserUnitResolver } from './auth/auth.resolver';
import { RedisAvailability } from './auth/redis-availability';
import { UserAdminResolver } from './users/user.resolver';
import { ApiKeyAdminResolver } from './api-clients/api-client.resolver';

@Module({
  imports: [TypeOrmModule.forFeature([UserEntity, ApiClientEntity]), OrgUnitModule],
  providers: [
    UserRepository,
    UserService,
    ApiClientRepository,
    ApiClientService,
    PasswordHasher,
    JwtService,
    LoginThrottle,
    ApiRateLimiter,
    RedisAvailability,
    AuthService,
    UserAdminResolver,
    ApiKeyAdminResolver,
    AuthResolver,
    UserUnitResolver,
    ApiClientUnitResolver,
  ],
  exports: [UserService, UserRepository, ApiClientService, AuthService, JwtService, LoginThrottle],
})
export class IdentityModule {}
